package ovs

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ethtoolValue is struct ethtool_value.
type ethtoolValue struct {
	cmd  uint32
	data uint32
}

// ifreqData is struct ifreq with the ifr_data pointer member (40 bytes on 64-bit Linux).
type ifreqData struct {
	name [unix.IFNAMSIZ]byte
	data unsafe.Pointer
	_    [16]byte
}

// txChecksumOff is "ethtool -K dev tx off" through the SIOCETHTOOL ioctl (ETHTOOL_STXCSUM),
// run in the calling thread's network namespace. The userspace datapath reads packets through
// AF_PACKET and never completes a checksum the sender offloaded, so TCP needs it on the veths.
func txChecksumOff(dev string) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	v := ethtoolValue{cmd: unix.ETHTOOL_STXCSUM, data: 0}
	var ifr ifreqData
	copy(ifr.name[:], dev)
	ifr.data = unsafe.Pointer(&v)
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(&ifr))); errno != 0 {
		return fmt.Errorf("SIOCETHTOOL ETHTOOL_STXCSUM %s: %w", dev, errno)
	}
	return nil
}

// icmpEcho sends one ICMP echo request to dst through a raw socket and waits up to timeout
// for the matching reply (calling thread's namespace).
func icmpEcho(dst net.IP, seq uint16, timeout time.Duration) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), "icmp")
	defer f.Close()
	id := uint16(os.Getpid() & 0xffff)
	msg := []byte{8, 0, 0, 0, byte(id >> 8), byte(id), byte(seq >> 8), byte(seq), 'g', 'o', 'v', 'i', 'f', '!', '!', '!'}
	binary.BigEndian.PutUint16(msg[2:], inetChecksum(msg))
	var sa unix.SockaddrInet4
	copy(sa.Addr[:], dst.To4())
	if err := unix.Sendto(fd, msg, 0, &sa); err != nil {
		return fmt.Errorf("send echo to %s: %w", dst, err)
	}
	deadline := time.Now().Add(timeout)
	buf := make([]byte, 1500)
	for {
		rem := time.Until(deadline)
		if rem <= 0 {
			return fmt.Errorf("no echo reply from %s within %v", dst, timeout)
		}
		tv := unix.NsecToTimeval(rem.Nanoseconds())
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return err
		}
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err == unix.EAGAIN || err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n < 28 {
			continue
		}
		ihl := int(buf[0]&0x0f) * 4
		icmp := buf[ihl:n]
		if len(icmp) >= 8 && icmp[0] == 0 && binary.BigEndian.Uint16(icmp[4:]) == id &&
			binary.BigEndian.Uint16(icmp[6:]) == seq && net.IP(buf[12:16]).Equal(dst) {
			return nil
		}
	}
}

func inetChecksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = (sum & 0xffff) + sum>>16
	}
	return ^uint16(sum)
}

// tcpRoundTrip dials addr, sends a payload and reads it echoed back (the listener side runs
// echoServe).
func tcpRoundTrip(ctx context.Context, addr string, payload []byte) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp4", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	if _, err := c.Write(payload); err != nil {
		return err
	}
	got := make([]byte, len(payload))
	if _, err := io.ReadFull(c, got); err != nil {
		return fmt.Errorf("read echo: %w", err)
	}
	if string(got) != string(payload) {
		return fmt.Errorf("echo mismatch")
	}
	return nil
}

// echoServe echoes every connection accepted on l until l is closed.
func echoServe(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			io.Copy(c, c)
		}()
	}
}
