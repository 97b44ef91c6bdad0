package plugin_test

import (
	"os"
	"os/signal"
)

func signalIgnoreFn(sigs ...os.Signal) { signal.Ignore(sigs...) }
