module example.com/dep

go 1.22

require (
	github.com/google/uuid v1.6.0
	github.com/mattn/go-runewidth v0.0.16
)

require github.com/rivo/uniseg v0.2.0 // indirect
