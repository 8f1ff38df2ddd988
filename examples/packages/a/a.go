// Package a says hello.
package a

// Greeting returns the greeting word.
//
//go:noinline
func Greeting() string {
	return "Hello"
}
