// Command failing builds, but one of its tests fails: with doCheck, so does the build.
package main

import "fmt"

func greeting() string { return "Hello, DGD!" }

func main() { fmt.Println(greeting()) }
