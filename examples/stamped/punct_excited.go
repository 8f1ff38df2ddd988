//go:build excited

package main

const punct = "!"
