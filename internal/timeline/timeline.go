// Package timeline reads the log of a Nix build (`--log-format internal-json`, each line stamped
// with the time it arrived) and says where the time went: the builds, by kind of derivation,
// how many ran at once, and the stretches when none ran (evaluation, planning, Nix itself).
package timeline

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Nix's activity type of one derivation's build (src/libutil/logging.hh: actBuild).
const actBuild = 105

// A Build is one derivation built.
type Build struct {
	Drv        string // store path of the .drv
	Name       string // the derivation's name: the .drv's without hash and extension
	Start, End time.Duration
}

// Kind sorts a dgd derivation by what it builds, from its name.
func (b Build) Kind() string {
	n := b.Name
	switch {
	case strings.HasSuffix(n, "plan.json") || strings.HasSuffix(n, ".drv"): // .drv: dyn-drv producer (go-std-runtime.drv too); go-std+plan.json
		return "plan"
	case strings.HasPrefix(n, "go-std-"):
		return "std layer"
	case strings.HasPrefix(n, "gopkg-"):
		// a standard package has no dot in its first element; std's vendored packages start
		// with vendor/ (a store name has - for /)
		p := strings.TrimPrefix(n, "gopkg-")
		if first, _, _ := strings.Cut(p, "-"); !strings.Contains(first, ".") || first == "vendor" {
			return "package (std)"
		}
		return "package (other)"
	case strings.HasPrefix(n, "golink-"):
		return "link"
	case strings.HasPrefix(n, "gotest-run-"):
		return "test run"
	case strings.HasPrefix(n, "gotest-"):
		return "test link"
	case strings.Contains(n, "gomod") || strings.HasSuffix(n, "-go-modules"):
		return "modules"
	case n == "dgd" || n == "go-tools-pack-buildid":
		return "dgd tools"
	}
	return "other"
}

// Read parses a log whose lines are "SECONDS @nix {json}" (SECONDS since any fixed moment);
// other lines are ignored. Times in the result count from the first line.
func Read(r io.Reader) ([]Build, time.Duration, error) {
	type event struct {
		Action string `json:"action"`
		ID     uint64 `json:"id"`
		Type   int    `json:"type"`
		Fields []any  `json:"fields"`
	}
	var (
		builds  []Build
		running = map[uint64]int{}
		first   = -1.0
		last    float64
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		stamp, rest, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		var t float64
		if _, err := fmt.Sscanf(stamp, "%f", &t); err != nil {
			return nil, 0, fmt.Errorf("line %d: no time stamp: %q", n, stamp)
		}
		if first < 0 {
			first = t
		}
		last = t
		js, ok := strings.CutPrefix(rest, "@nix ")
		if !ok {
			continue
		}
		var e event
		if err := json.Unmarshal([]byte(js), &e); err != nil {
			return nil, 0, fmt.Errorf("line %d: %v", n, err)
		}
		at := time.Duration((t - first) * float64(time.Second))
		switch {
		case e.Action == "start" && e.Type == actBuild && len(e.Fields) > 0:
			drv, _ := e.Fields[0].(string)
			running[e.ID] = len(builds)
			builds = append(builds, Build{Drv: drv, Name: drvName(drv), Start: at, End: -1})
		case e.Action == "stop":
			if i, ok := running[e.ID]; ok {
				builds[i].End = at
				delete(running, e.ID)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, 0, err
	}
	wall := time.Duration((last - first) * float64(time.Second))
	for i := range builds {
		if builds[i].End < 0 {
			builds[i].End = wall
		}
	}
	return builds, wall, nil
}

var drvNameRE = regexp.MustCompile(`^/nix/store/[0-9a-z]{32}-(.*)\.drv$`)

func drvName(drv string) string {
	if m := drvNameRE.FindStringSubmatch(drv); m != nil {
		return m[1]
	}
	return drv
}

// Summary is where the time of one build went.
type Summary struct {
	Wall   time.Duration
	Kinds  []Kind        // by total build time, largest first, then by name
	Busy   time.Duration // time with at least one build running
	Idle   time.Duration // time with none: evaluation, planning in Nix, scheduling
	Mean   float64       // builds running at once, on average over Busy
	Builds []Build       // the longest, longest first
}

// Kind is the builds of one kind.
type Kind struct {
	Kind  string
	Count int
	Total time.Duration // sum of the builds' durations
	Min   time.Duration
}

// Summarize says where the time of builds went; top is how many of the longest builds to keep.
func Summarize(builds []Build, wall time.Duration, top int) Summary {
	s := Summary{Wall: wall}
	byKind := map[string]*Kind{}
	type edge struct {
		at    time.Duration
		delta int
	}
	var edges []edge
	var sum time.Duration
	for _, b := range builds {
		d := b.End - b.Start
		k := byKind[b.Kind()]
		if k == nil {
			k = &Kind{Kind: b.Kind(), Min: d}
			byKind[b.Kind()] = k
		}
		k.Count++
		k.Total += d
		k.Min = min(k.Min, d)
		sum += d
		edges = append(edges, edge{b.Start, 1}, edge{b.End, -1})
	}
	for _, k := range byKind {
		s.Kinds = append(s.Kinds, *k)
	}
	sort.Slice(s.Kinds, func(i, j int) bool {
		a, b := s.Kinds[i], s.Kinds[j]
		return a.Total > b.Total || a.Total == b.Total && a.Kind < b.Kind
	})
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].at != edges[j].at {
			return edges[i].at < edges[j].at
		}
		return edges[i].delta < edges[j].delta
	})
	running := 0
	var prev time.Duration
	for _, e := range edges {
		if running > 0 {
			s.Busy += e.at - prev
		}
		running += e.delta
		prev = e.at
	}
	s.Idle = wall - s.Busy
	if s.Busy > 0 {
		s.Mean = float64(sum) / float64(s.Busy)
	}
	s.Builds = append([]Build(nil), builds...)
	sort.Slice(s.Builds, func(i, j int) bool {
		return s.Builds[i].End-s.Builds[i].Start > s.Builds[j].End-s.Builds[j].Start
	})
	if len(s.Builds) > top {
		s.Builds = s.Builds[:top]
	}
	return s
}

// Write prints s as a table.
func (s Summary) Write(w io.Writer) {
	sec := func(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }
	fmt.Fprintf(w, "wall %s: builds running %s (%.1f at once on average), none running %s\n",
		sec(s.Wall), sec(s.Busy), s.Mean, sec(s.Idle))
	fmt.Fprintf(w, "%-18s %6s %10s %10s %10s\n", "kind", "builds", "total", "mean", "shortest")
	for _, k := range s.Kinds {
		fmt.Fprintf(w, "%-18s %6d %10s %8.0f ms %7.0f ms\n", k.Kind, k.Count, sec(k.Total),
			float64(k.Total.Milliseconds())/float64(k.Count), float64(k.Min.Milliseconds()))
	}
	if len(s.Builds) > 0 {
		fmt.Fprintln(w, "longest:")
	}
	for _, b := range s.Builds {
		fmt.Fprintf(w, "  %8s  %s (from %s)\n", sec(b.End-b.Start), b.Name, sec(b.Start))
	}
}
