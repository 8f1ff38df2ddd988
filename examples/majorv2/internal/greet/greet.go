// Package greet says hello.
package greet

// Hello is the greeting.
func Hello() string { return "Hello, DGD!" }
