package docs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// A fenced block of the docs, with where it is.
type block struct {
	file string // relative to the repository root
	line int    // of the opening fence
	lang string // "sh", "go", ...
	text string
	skip string // the reason given by <!-- doc-test: skip REASON --> just before it
	// parseOnly is the reason given by <!-- doc-test: parse-only REASON --> (a ```go block that
	// cannot be compiled alone, e.g. a second file of a package shown above).
	parseOnly string
	extra     string // the rest of the fence line
}

func (b block) String() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

// docFiles is README.md and every docs/*.md, relative to the repository root.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"README.md"}
	for _, f := range files {
		out = append(out, filepath.ToSlash(strings.TrimPrefix(f, ".."+string(filepath.Separator))))
	}
	return out
}

var (
	skipRe      = regexp.MustCompile(`^<!--\s*doc-test:\s*skip\s+(.*?)\s*-->$`)
	parseOnlyRe = regexp.MustCompile(`^<!--\s*doc-test:\s*parse-only\s+(.*?)\s*-->$`)
)

// parseBlocks returns the fenced blocks of a Markdown file.
func parseBlocks(file, text string) ([]block, error) {
	var (
		blocks  []block
		cur     *block
		body    strings.Builder
		lastTxt string // the last non-blank line before a fence
	)
	for i, l := range strings.Split(text, "\n") {
		trim := strings.TrimSpace(l)
		if cur != nil {
			if strings.HasPrefix(trim, "```") && strings.Trim(trim, "`") == "" {
				cur.text = body.String()
				blocks = append(blocks, *cur)
				cur = nil
				continue
			}
			body.WriteString(l + "\n")
			continue
		}
		if strings.HasPrefix(trim, "```") {
			info := strings.TrimPrefix(trim, "```")
			lang, extra, _ := strings.Cut(info, " ")
			cur = &block{file: file, line: i + 1, lang: lang, extra: extra}
			body.Reset()
			if m := skipRe.FindStringSubmatch(lastTxt); m != nil {
				cur.skip = m[1]
			} else if m := parseOnlyRe.FindStringSubmatch(lastTxt); m != nil {
				cur.parseOnly = m[1]
			} else if strings.Contains(lastTxt, "doc-test:") {
				return nil, fmt.Errorf("%s:%d: malformed doc-test comment %q (want <!-- doc-test: skip REASON --> or <!-- doc-test: parse-only REASON -->)", file, i, lastTxt)
			}
			continue
		}
		if trim != "" {
			lastTxt = trim
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: fence never closed", file, cur.line)
	}
	return blocks, nil
}

// docBlocks returns the fenced blocks of every doc, file by file in name order; a doc whose
// blocks cannot be parsed is reported as an error of t and left out.
func docBlocks(t *testing.T) []block {
	t.Helper()
	docs := readDocs(t)
	var all []block
	for _, f := range slices.Sorted(maps.Keys(docs)) {
		blocks, err := parseBlocks(f, docs[f])
		if err != nil {
			t.Error(err)
			continue
		}
		all = append(all, blocks...)
	}
	return all
}

// readDocs returns the text of every doc (docFiles), by its path from the repository root.
func readDocs(t *testing.T) map[string]string {
	t.Helper()
	docs := map[string]string{}
	for _, f := range docFiles(t) {
		b, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = string(b)
	}
	return docs
}

var linkRe = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestLinks checks that every relative link in the docs names a file or directory that exists.
func TestLinks(t *testing.T) {
	for f, text := range readDocs(t) {
		inFence := false
		for i, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "```") {
				inFence = !inFence
			}
			if inFence {
				continue
			}
			for _, m := range linkRe.FindAllStringSubmatch(l, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				target, _, _ = strings.Cut(target, "#")
				p := filepath.Join("..", filepath.Dir(f), target)
				if _, err := os.Stat(p); err != nil {
					t.Errorf("%s:%d: link to %s: no such file", f, i+1, m[1])
				}
			}
		}
	}
}

var mentionRe = regexp.MustCompile("`([A-Za-z0-9_./-]+\\.(?:md|go|sh|py))`")

// pythonPeers is where the reference Python (os-vif, Nova) lives on Debian; docs cite its files
// (e.g. `nova/network/neutron.py`).
const pythonPeers = "/usr/lib/python3/dist-packages"

// TestFileMentions checks that every file the docs name in backquotes (a .md, .go, .sh or .py
// path) exists: in the repository (as written, relative to the doc, or as the end of a
// tracked path) or in the reference Python packages.
func TestFileMentions(t *testing.T) {
	var tracked []string
	err := filepath.WalkDir("..", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			tracked = append(tracked, filepath.ToSlash(strings.TrimPrefix(p, "../")))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	exists := func(doc, name string) bool {
		for _, p := range []string{filepath.Join("..", name), filepath.Join("..", filepath.Dir(doc), name), filepath.Join(pythonPeers, name)} {
			if _, err := os.Stat(p); err == nil {
				return true
			}
		}
		for _, f := range tracked {
			if f == name || strings.HasSuffix(f, "/"+name) {
				return true
			}
		}
		return false
	}
	for f, text := range readDocs(t) {
		for i, l := range strings.Split(text, "\n") {
			for _, m := range mentionRe.FindAllStringSubmatch(l, -1) {
				if strings.HasPrefix(m[1], "/") {
					continue // a path on the target host (/etc/govif/...), not a file of ours
				}
				if !exists(f, m[1]) {
					t.Errorf("%s:%d: names %s, which does not exist", f, i+1, m[1])
				}
			}
		}
	}
}

// TestSkipsGiveReasons checks the doc-test comments and that every shell block either runs
// or says why not.
func TestSkipsGiveReasons(t *testing.T) {
	for _, b := range docBlocks(t) {
		for _, r := range []string{b.skip, b.parseOnly} {
			if r != "" && len(strings.Fields(r)) < 2 {
				t.Errorf("%s: doc-test reason %q: say why in a few words", b, r)
			}
		}
	}
}

// TestGoSnippetsParse checks that every ```go block is valid Go syntax: a whole file when it
// starts with "package", else declarations after imports, else statements.
func TestGoSnippetsParse(t *testing.T) {
	for _, b := range docBlocks(t) {
		if b.lang != "go" || b.skip != "" {
			continue
		}
		src := b.text
		trim := strings.TrimSpace(src)
		var errs []error
		for _, wrapped := range []string{src, "package p\n" + src, "package p\nfunc _() {\n" + src + "\n}\n"} {
			if strings.HasPrefix(trim, "package ") && wrapped != src {
				break
			}
			_, err := parser.ParseFile(token.NewFileSet(), b.String(), wrapped, parser.SkipObjectResolution)
			if err == nil {
				errs = nil
				break
			}
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			t.Errorf("%s: the ```go block does not parse: %v", b, errs[len(errs)-1])
		}
	}
}

// goFile returns the block as a whole Go file when it is one (a package clause) or when it is
// imports and declarations (then in package "snippet"); "" for statement snippets.
func goFile(b block) string {
	if strings.HasPrefix(strings.TrimSpace(b.text), "package ") {
		return b.text
	}
	src := "package snippet\n" + b.text
	if _, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution); err == nil {
		return src
	}
	return ""
}

// TestGoSnippetsCompile builds every ```go block that is a whole file or imports plus
// declarations, each alone in a temporary module that uses this repository, unless marked
// <!-- doc-test: parse-only REASON -->. Statement snippets are only parsed (TestGoSnippetsParse).
func TestGoSnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: runs go build on the docs' Go snippets")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	// The snippet module requires what govif requires (so the build needs no network).
	_, requires, _ := strings.Cut(string(gomod), "\nrequire")
	mod := "module doctest\n\ngo 1.26.0\n\nrequire github.com/govif/govif v0.0.0\n\nreplace github.com/govif/govif => " + root + "\n\nrequire" + requires
	built := 0
	for _, b := range docBlocks(t) {
		if b.lang != "go" || b.skip != "" || b.parseOnly != "" {
			continue
		}
		src := goFile(b)
		if src == "" {
			continue
		}
		built++
		dir := t.TempDir()
		for name, content := range map[string]string{"go.mod": mod, "go.sum": string(gosum), "snippet.go": src} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, "go", "build", "-mod=mod", "-o", os.DevNull, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOPROXY=off", "GOWORK=off")
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("%s: the ```go block does not compile (snippet.go line N is the block's line N, +1 when a package clause was added): %v\n%s", b, err, out)
		}
	}
	if built == 0 {
		t.Fatal("no Go snippet was compiled: the parser or the docs are broken")
	}
}

// hostChanging lists commands that change the machine (install, remove, services, packages):
// a block using one never runs in the test and must be marked <!-- doc-test: skip REASON -->.
var hostChanging = map[string]bool{"systemctl": true, "service": true, "apt-get": true, "apt": true, "dpkg": true,
	"pip": true, "pip3": true, "install": true, "rm": true, "mv": true, "cp": true, "mkdir": true, "chmod": true,
	"chown": true, "ln": true, "sudo": true, "make": true, "useradd": true, "groupadd": true, "reboot": true,
	"kill": true, "pkill": true, "killall": true, "ip": true, "ovs-vsctl": true, "iptables": true, "modprobe": true}

var (
	segmentSep  = regexp.MustCompile(`&&|\|\||[;|]`)
	absRedirect = regexp.MustCompile(`>>?\s*/`)
)

// unsafeCommand returns why the shell block would change the machine, or "".
func unsafeCommand(text string) string {
	for i, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := absRedirect.FindString(line); m != "" && !strings.Contains(line, "/dev/null") {
			return fmt.Sprintf("line %d writes to an absolute path (%q)", i+1, line)
		}
		if strings.Contains(line, "-m pip") {
			return fmt.Sprintf("line %d runs pip", i+1)
		}
		for _, seg := range segmentSep.Split(line, -1) {
			f := strings.Fields(seg)
			for len(f) > 0 && strings.Contains(f[0], "=") && !strings.HasPrefix(f[0], "-") {
				f = f[1:] // VAR=value prefixes
			}
			if len(f) > 0 && hostChanging[filepath.Base(f[0])] {
				return fmt.Sprintf("line %d runs %s", i+1, f[0])
			}
		}
	}
	return ""
}

// TestShellBlocksAreSafe checks, without running anything, that no ```sh block that would run
// changes the machine (installs, services, packages, removals): those must be marked
// <!-- doc-test: skip REASON -->.
func TestShellBlocksAreSafe(t *testing.T) {
	for _, b := range docBlocks(t) {
		if b.lang == "sh" && b.skip == "" {
			if why := unsafeCommand(b.text); why != "" {
				t.Errorf("%s: the ```sh block would change this machine (%s): mark it <!-- doc-test: skip REASON -->", b, why)
			}
		}
	}
}

// TestShellExamples runs every ```sh block of README.md and docs/*.md that is not marked
// <!-- doc-test: skip REASON -->, with bash -e, in a copy of examples/docs/, with a freshly
// built govif first on PATH, and GOVIF_SOCKET naming a `govif serve` the test runs (with its
// inventory in a temp dir) and GOVIF_SERVER pointing at it, so that no example reaches the
// host's own daemon or inventory. A block
// fails the test (naming its file and line) when a command in it fails.
func TestShellExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: runs the docs' shell examples (builds govif, runs its daemon)")
	}
	if os.Geteuid() != 0 {
		t.Skip("skipping: needs root (the examples talk to a govif daemon, which allows uid 0); CI runs it as root")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, "govif"), "./cmd/govif")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	sockDir := t.TempDir()
	sock := filepath.Join(sockDir, "govif.sock")
	// Its inventory lives in the test's dir, never in the host's /var/lib/govif.
	conf := filepath.Join(sockDir, "govif.conf")
	if err := os.WriteFile(conf, []byte("[govif_daemon]\nstate_path = "+filepath.Join(sockDir, "state")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := exec.Command(filepath.Join(bin, "govif"), "serve", "--config", conf, "--socket", sock, "--log-level", "warn")
	var srvLog bytes.Buffer
	srv.Stderr = &srvLog
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	t.Cleanup(func() {
		srv.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			srv.Process.Kill()
			<-done
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("govif serve never made %s: %s", sock, srvLog.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	ran := 0
	for _, b := range docBlocks(t) {
		if b.lang != "sh" || b.skip != "" || unsafeCommand(b.text) != "" { // TestShellBlocksAreSafe fails those
			continue
		}
		ran++
		t.Run(strings.ReplaceAll(b.String(), "/", "_"), func(t *testing.T) {
			work := t.TempDir()
			if err := os.CopyFS(work, os.DirFS(filepath.Join(root, "examples", "docs"))); err != nil {
				t.Fatal(err)
			}
			bctx, bcancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer bcancel()
			cmd := exec.CommandContext(bctx, "bash", "-e", "-o", "pipefail", "-c", b.text)
			cmd.Dir = work
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "GOVIF_SOCKET="+sock,
				"GOVIF_SERVER=unix:"+sock, "GOVIF_REPO="+root, "HOME="+work)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if err != nil {
				if errors.As(err, &ee) {
					t.Errorf("%s: the ```sh block exits %d:\n%s\n--- output:\n%s", b, ee.ExitCode(), b.text, out)
				} else {
					t.Errorf("%s: %v", b, err)
				}
			}
		})
	}
	if ran == 0 {
		t.Fatal("no shell example ran: the parser or the docs are broken")
	}
}
