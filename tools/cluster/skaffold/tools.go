//go:build tools

// The build runs `go build github.com/GoogleContainerTools/skaffold/v2/cmd/skaffold`;
// this import keeps the requirement in go.mod through `go mod tidy`.
package tools

import _ "github.com/GoogleContainerTools/skaffold/v2/cmd/skaffold"
