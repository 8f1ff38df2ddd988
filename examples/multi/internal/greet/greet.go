// Package greet is shared by the module's programs.
package greet

// Hello is the greeting every example prints.
func Hello(name string) string { return "Hello, " + name + "!" }
