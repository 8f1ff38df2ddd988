// Command tested prints a greeting made by packages that have tests.
package main

import (
	"fmt"

	"example.com/tested/report"
)

func main() { fmt.Println(report.Greeting("dgd")) }
