//go:build tools

// Keeps github.com/jaegertracing/jaeger/cmd/jaeger in go.mod through `go mod tidy`.
package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
