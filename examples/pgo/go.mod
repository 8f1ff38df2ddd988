module example.com/pgo

go 1.22
