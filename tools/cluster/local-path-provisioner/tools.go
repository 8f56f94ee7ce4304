//go:build tools

// Keeps github.com/rancher/local-path-provisioner (a main package) in go.mod through `go mod tidy`.
package tools

import _ "github.com/rancher/local-path-provisioner"
