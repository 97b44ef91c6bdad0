// Package nsthread runs a function on an OS thread that has entered a network namespace. It
// is the one implementation of that dance (lock a thread, switch, run, switch back, discard the
// thread if it cannot be switched back) shared by netdev, the linux_bridge plugin's iptables
// runner, internal/sandbox and internal/testenv. It imports only vishvananda/netns.
package nsthread
