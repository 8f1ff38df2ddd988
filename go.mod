module github.com/dgd-build/dgd

go 1.26.8

require (
	github.com/google/go-cmp v0.7.0
	github.com/nix-community/go-nix v0.0.0-20250101154619-4bdde671e0a1
	golang.org/x/mod v0.43.0
	mvdan.cc/sh/v3 v3.14.1
)
