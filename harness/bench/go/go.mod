module poolkatas/bench

go 1.19
