// filled by the observability work (issue 10)
