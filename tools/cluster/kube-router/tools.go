//go:build tools

// Keeps github.com/cloudnativelabs/kube-router/v2 (its cmd/kube-router is a main package) in go.mod through `go mod tidy`.
package tools

import _ "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router"
