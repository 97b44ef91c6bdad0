package netdev

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// BenchmarkGetParallel reads devices from many goroutines through one Links (one netlink
// socket, serialised per request by the netlink package) and through one Links per goroutine,
// to show whether a socket pool would pay.
func BenchmarkGetParallel(b *testing.B) {
	for _, shared := range []bool{true, false} {
		b.Run(fmt.Sprintf("shared=%t", shared), func(b *testing.B) {
			l, ns := newNSLinksB(b)
			ctx := context.Background()
			const n = 16
			for i := range n {
				if err := l.CreateVethPair(ctx, fmt.Sprintf("g%d", i), fmt.Sprintf("h%d", i), 0); err != nil {
					b.Fatal(err)
				}
			}
			var next atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				me := l
				if !shared {
					var err error
					if me, err = New(InNamespace(ns)); err != nil {
						b.Error(err)
						return
					}
					defer me.Close()
				}
				dev := fmt.Sprintf("g%d", next.Add(1)%n)
				for pb.Next() {
					if _, err := me.Get(ctx, dev); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkVethLifecycle creates and configures a veth pair (MTU, up, promisc, into a
// bridge) as a hybrid plug does, from parallel goroutines on one Links; with unplug=true it
// also deletes the pair, as an unplug does.
func BenchmarkVethLifecycle(b *testing.B) {
	for _, unplug := range []bool{false, true} {
		b.Run(fmt.Sprintf("unplug=%t", unplug), func(b *testing.B) {
			l, _ := newNSLinksB(b)
			ctx := context.Background()
			if err := l.EnsureBridge(ctx, "qbrbench"); err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1)
					qvb, qvo := fmt.Sprintf("qvb%d", i), fmt.Sprintf("qvo%d", i)
					err := l.CreateVethPair(ctx, qvb, qvo, 1450)
					if err == nil {
						err = l.SetPromisc(ctx, qvo, true)
					}
					if err == nil {
						err = l.AddToBridge(ctx, qvb, "qbrbench")
					}
					if err == nil && unplug {
						err = l.Delete(ctx, qvo)
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
