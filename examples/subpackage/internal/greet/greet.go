// Package greet makes the greeting.
package greet

// Message is the greeting.
func Message() string { return "Hello, DGD!" }
