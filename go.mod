module github.com/dgd-build/dgd

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	mvdan.cc/sh/v3 v3.14.1
)
