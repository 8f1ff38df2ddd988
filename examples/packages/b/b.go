// Package b names the greeted.
package b

// Name returns who is greeted.
func Name() string { return "DGD" }
