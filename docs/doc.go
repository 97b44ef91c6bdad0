// Package docs holds govif's documentation (the Markdown files here and the README) and the
// test that keeps it true: docs_test.go checks every relative link and runs every ```sh block
// (see "Runnable examples" in docs/testing.md for the convention).
package docs
