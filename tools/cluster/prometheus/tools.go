//go:build tools

// Keeps github.com/prometheus/prometheus/cmd/prometheus in go.mod through `go mod tidy`.
package tools

import _ "github.com/prometheus/prometheus/cmd/prometheus"
