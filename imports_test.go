package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The import rules: each package holds one technology or one domain, and
// the import graph says so (docs/architecture.md draws it).

const module = "github.com/pitchkafka/pitchkafka"

// listedPackage is what go list says of one of the module's packages.
type listedPackage struct {
	ImportPath   string
	Dir          string
	Standard     bool
	Imports      []string // direct, of the package's own files
	Deps         []string // every dependency, transitively
	TestImports  []string
	XTestImports []string
	CgoFiles     []string
}

// technology is a library family that only one place may import.
type technology struct {
	name, prefix string
	// owner reports whether a package may import it.
	owner func(pkg string) bool
}

var technologies = []technology{
	// testkit, for tests only, reads and writes with the real client too.
	{"confluent-kafka-go's Go API", "github.com/confluentinc/confluent-kafka-go/v2/kafka",
		func(p string) bool { return p == module+"/kafkaio" || p == module+"/internal/testkit" }},
	{"the Schema Registry serdes", "github.com/confluentinc/confluent-kafka-go/v2/schemaregistry",
		func(p string) bool { return p == module+"/formats" }},
	{"franz-go", "github.com/twmb/franz-go",
		func(p string) bool { return p == module+"/embedded" || strings.HasPrefix(p, module+"/embedded/") }},
	{"the CLI library", "github.com/urfave/cli",
		func(p string) bool { return p == module+"/commands" }},
}

// rdkPackage is the one package that may use cgo and unsafe; it imports
// confluent-kafka-go's package only to link the librdkafka it bundles.
const rdkPackage = module + "/kafkaio/internal/rdk"

// linkOnly are the packages that may import a technology for its linking
// alone, as a blank import.
var linkOnly = map[string]string{rdkPackage: "github.com/confluentinc/confluent-kafka-go/v2/kafka"}

// violation is a broken import rule.
type violation struct{ pkg, rule string }

func (v violation) String() string { return v.pkg + ": " + v.rule }

// checkImports applies the rules to the module's packages.
func checkImports(pkgs []listedPackage, blankOnly func(pkg, path string) bool) []violation {
	var out []violation
	for _, p := range pkgs {
		out = append(out, checkPackage(p, blankOnly)...)
	}
	return out
}

func checkPackage(p listedPackage, blankOnly func(pkg, path string) bool) []violation {
	var out []violation
	bad := func(format string, args ...any) {
		out = append(out, violation{p.ImportPath, fmt.Sprintf(format, args...)})
	}
	own := strings.HasPrefix(p.ImportPath, module+"/game")
	for _, dep := range p.Deps {
		if own && !isStandard(dep) && !strings.HasPrefix(dep, module+"/game") {
			bad("game is pure Go, the standard library only, but it depends on %s", dep)
		}
	}
	if p.ImportPath != rdkPackage && (len(p.CgoFiles) > 0 || slices.Contains(p.Imports, "C")) {
		bad("uses cgo; only %s may", rdkPackage)
	}
	if p.ImportPath != rdkPackage && slices.Contains(p.Imports, "unsafe") && !strings.HasPrefix(p.ImportPath, module+"/embedded/kfake") {
		bad("imports unsafe; only %s may", rdkPackage)
	}
	for _, imp := range p.Imports {
		if imp == module+"/internal/testkit" {
			bad("imports internal/testkit, which is for tests only")
		}
		if p.ImportPath == module+"/game" && imp == "github.com/rs/zerolog" {
			bad("game never logs")
		}
	}
	for _, tech := range technologies {
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, tech.prefix) || tech.owner(p.ImportPath) {
				continue
			}
			if linkOnly[p.ImportPath] == imp && blankOnly(p.ImportPath, imp) {
				continue
			}
			bad("imports %s (%s); only its own package may", tech.name, imp)
		}
		for _, imp := range append(slices.Clone(p.TestImports), p.XTestImports...) {
			if tech.prefix == "github.com/twmb/franz-go" && strings.HasPrefix(imp, tech.prefix) && !tech.owner(p.ImportPath) {
				bad("its tests import %s (%s): reach the embedded broker through package embedded", tech.name, imp)
			}
		}
	}
	return out
}

// isStandard reports whether an import path is of the standard library:
// its first element has no dot.
func isStandard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// goList lists the module's packages.
func goList(tb testing.TB) []listedPackage {
	tb.Helper()
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		tb.Skipf("go list: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			tb.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// importedBlank reports whether every file of the package at dir that
// imports path imports it as _ (for its side effects only).
func importedBlank(tb testing.TB, dirs map[string]string) func(pkg, path string) bool {
	return func(pkg, path string) bool {
		files, _ := filepath.Glob(filepath.Join(dirs[pkg], "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				tb.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				if strings.Trim(imp.Path.Value, `"`) == path && (imp.Name == nil || imp.Name.Name != "_") {
					return false
				}
			}
		}
		return true
	}
}

func TestTheImportRulesHold(t *testing.T) {
	pkgs := goList(t)
	dirs := map[string]string{}
	for _, p := range pkgs {
		dirs[p.ImportPath] = p.Dir
	}
	for _, v := range checkImports(pkgs, importedBlank(t, dirs)) {
		t.Error(v)
	}
	if len(pkgs) < 8 {
		t.Fatalf("go list found %d packages: the test is not looking at the module", len(pkgs))
	}
}

// TestTheImportRulesCatchWhatTheyForbid breaks each rule in a made-up
// graph and expects the check to say so.
func TestTheImportRulesCatchWhatTheyForbid(t *testing.T) {
	never := func(string, string) bool { return false }
	always := func(string, string) bool { return true }
	cases := []struct {
		name      string
		pkg       listedPackage
		blankOnly func(string, string) bool
		want      string // in the violation, or "" for none
	}{
		{"game depends on zerolog", listedPackage{ImportPath: module + "/game", Imports: []string{"github.com/rs/zerolog"},
			Deps: []string{"fmt", "github.com/rs/zerolog"}}, never, "standard library only"},
		{"statcast depends on game", listedPackage{ImportPath: module + "/game/statcast", Imports: []string{module + "/game"},
			Deps: []string{"fmt", module + "/game"}}, never, ""},
		{"cgo outside rdk", listedPackage{ImportPath: module + "/kafkaio", Imports: []string{"C"}, CgoFiles: []string{"x.go"}}, never, "uses cgo"},
		{"unsafe outside rdk", listedPackage{ImportPath: module + "/formats", Imports: []string{"unsafe"}}, never, "imports unsafe"},
		{"cgo in rdk", listedPackage{ImportPath: rdkPackage, Imports: []string{"C", "unsafe"}, CgoFiles: []string{"rdk.go"}}, never, ""},
		{"franz-go outside embedded", listedPackage{ImportPath: module + "/kafkaio", Imports: []string{"github.com/twmb/franz-go/pkg/kmsg"}}, never, "franz-go"},
		{"franz-go in a test outside embedded", listedPackage{ImportPath: module + "/kafkaio", TestImports: []string{"github.com/twmb/franz-go/pkg/kerr"}}, never, "its tests import franz-go"},
		{"franz-go in the fork", listedPackage{ImportPath: module + "/embedded/kfake", Imports: []string{"github.com/twmb/franz-go/pkg/kmsg"}}, never, ""},
		{"serdes outside formats", listedPackage{ImportPath: module + "/kafkaio", Imports: []string{"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"}}, never, "Schema Registry serdes"},
		{"the client outside kafkaio", listedPackage{ImportPath: module + "/web", Imports: []string{"github.com/confluentinc/confluent-kafka-go/v2/kafka"}}, never, "confluent-kafka-go's Go API"},
		{"rdk uses the client's Go API", listedPackage{ImportPath: rdkPackage, Imports: []string{"github.com/confluentinc/confluent-kafka-go/v2/kafka"}}, never, "confluent-kafka-go's Go API"},
		{"rdk links the client's librdkafka", listedPackage{ImportPath: rdkPackage, Imports: []string{"github.com/confluentinc/confluent-kafka-go/v2/kafka"}}, always, ""},
		{"the CLI outside commands", listedPackage{ImportPath: module + "/kafkaio", Imports: []string{"github.com/urfave/cli/v2"}}, never, "CLI library"},
		{"testkit in the binary", listedPackage{ImportPath: module + "/commands", Imports: []string{module + "/internal/testkit"}}, never, "tests only"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := checkPackage(tc.pkg, tc.blankOnly)
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("allowed, but the check says %v", got)
			case tc.want != "" && (len(got) == 0 || !strings.Contains(got[0].rule, tc.want)):
				t.Errorf("want a violation saying %q, got %v", tc.want, got)
			}
		})
	}
}
