package lazylog

import (
	"bytes"
	"log/slog"
	"regexp"
	"testing"
)

// Records written through derived loggers read the same with and without the deferral.
func TestSameOutputAsTheWrappedHandler(t *testing.T) {
	var direct, deferred bytes.Buffer
	opts := &slog.HandlerOptions{Level: slog.LevelWarn}
	loggers := []*slog.Logger{slog.New(slog.NewTextHandler(&direct, opts)), slog.New(New(slog.NewTextHandler(&deferred, opts)))}
	for _, l := range loggers {
		derived := l.With("query", `SELECT "x"`, "args", []any{1, "a"}).WithGroup("conn").With("id", 7)
		derived.Info("below the level: not written")
		derived.Error("failed", "err", "boom")
		l.Warn("plain", "n", 1)
	}
	time := regexp.MustCompile(`time=\S+ `)
	got, want := time.ReplaceAllString(deferred.String(), ""), time.ReplaceAllString(direct.String(), "")
	if got != want || want == "" {
		t.Fatalf("deferred output differs:\n got: %q\nwant: %q", got, want)
	}
}

// Deriving does not touch the wrapped handler: nothing is formatted for records never written.
func TestDerivingDoesNotReachTheWrappedHandler(t *testing.T) {
	inner := &countingHandler{Handler: slog.NewTextHandler(&bytes.Buffer{}, nil)}
	l := slog.New(New(inner))
	for i := 0; i < 100; i++ {
		l.With("i", i).Debug("filtered out")
	}
	if inner.derived != 0 {
		t.Fatalf("wrapped handler derived %d times for records never written", inner.derived)
	}
}

type countingHandler struct {
	slog.Handler
	derived int
}

func (c *countingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c.derived++
	return c.Handler.WithAttrs(attrs)
}
