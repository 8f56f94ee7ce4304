//go:build tools

// Keeps github.com/docker/buildx/cmd/buildx in go.mod through `go mod tidy`.
package tools

import _ "github.com/docker/buildx/cmd/buildx"
