module zrtthreads

go 1.19
