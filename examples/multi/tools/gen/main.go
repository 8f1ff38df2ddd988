// Command gen is a development tool that the build leaves out (excludedPackages).
package main

func main() { panic("gen is not part of the build") }
