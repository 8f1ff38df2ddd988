// A program whose module path ends in a major version (/v2) and whose root package has
// tests: go test names the test binary majorv2.test, without the /v2.
package main

import (
	"fmt"

	"example.com/majorv2/v2/internal/greet"
)

func main() { fmt.Println(greet.Hello()) }
