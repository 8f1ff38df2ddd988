// Package add adds in assembly.
package add

// Add returns a+b.
func Add(a, b int64) int64
