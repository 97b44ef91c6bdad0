package keylock

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLockSerialisesOneKeyNotOthers(t *testing.T) {
	var m Map
	ctx := context.Background()
	unlockA, err := m.Lock(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	unlockB, err := m.Lock(ctx, "b") // another key: not blocked
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan func(), 1)
	go func() {
		u, _ := m.Lock(ctx, "a")
		got <- u
	}()
	select {
	case <-got:
		t.Fatal("second holder of key a while the first still held it")
	case <-time.After(50 * time.Millisecond):
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := m.Lock(short, "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past the deadline: %v", err)
	}
	unlockA()
	select {
	case u := <-got:
		u()
	case <-time.After(5 * time.Second):
		t.Fatal("waiter not woken after unlock")
	}
	unlockB()
	if n := m.Len(); n != 0 {
		t.Fatalf("%d entries left after every lock was released", n)
	}
}
