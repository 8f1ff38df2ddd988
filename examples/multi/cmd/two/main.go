// Command two is the second of the module's programs: its own main, the same greeting.
package main

import (
	"os"

	"example.com/multi/internal/greet"
)

func main() { os.Stdout.WriteString(greet.Hello("DGD") + "\n") }
