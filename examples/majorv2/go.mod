module example.com/majorv2/v2

go 1.22
