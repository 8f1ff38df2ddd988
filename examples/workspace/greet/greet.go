// Package greet, a module of the workspace, makes the greeting.
package greet

import "github.com/google/uuid"

// Message is the greeting; a name-based UUID checks the third-party module works.
func Message() string {
	if uuid.NewSHA1(uuid.NameSpaceURL, []byte("dgd")).Version() != 5 {
		panic("unexpected uuid version")
	}
	return "Hello, DGD!"
}
