module example.com/storepath

go 1.22
