module switchboard/plugins

go 1.24
