//go:build tools

// Keeps sigs.k8s.io/metrics-server (its cmd/metrics-server is a main package) in go.mod through `go mod tidy`.
package tools

import _ "sigs.k8s.io/metrics-server/cmd/metrics-server"
