package timeline

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRead(t *testing.T) {
	const h = "/nix/store/00000000000000000000000000000000-"
	log := strings.Join([]string{
		`100.0 evaluating`,
		`101.0 @nix {"action":"start","id":1,"type":105,"fields":["` + h + `gopkg-fmt.drv","",1,1]}`,
		`101.5 @nix {"action":"start","id":2,"type":105,"fields":["` + h + `gopkg-example.com+a.drv","",1,1]}`,
		`101.5 @nix {"action":"start","id":9,"type":109,"fields":[]}`,
		`102.0 @nix {"action":"stop","id":1}`,
		`103.0 @nix {"action":"stop","id":2}`,
		`103.0 @nix {"action":"stop","id":9}`,
		`104.0 @nix {"action":"start","id":3,"type":105,"fields":["` + h + `golink-hello.drv","",1,1]}`,
		`105.0 @nix {"action":"stop","id":3}`,
	}, "\n")
	builds, wall, err := Read(strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize(builds, wall, 1)
	want := Summary{
		Wall: 5 * time.Second, Busy: 3 * time.Second, Idle: 2 * time.Second, Mean: 3.5 / 3,
		Kinds: []Kind{
			{"package (other)", 1, 1500 * time.Millisecond, 1500 * time.Millisecond},
			{"link", 1, time.Second, time.Second},
			{"package (std)", 1, time.Second, time.Second},
		},
		Builds: []Build{{h + "gopkg-example.com+a.drv", "gopkg-example.com+a", 1500 * time.Millisecond, 3 * time.Second}},
	}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

func TestReadUnstamped(t *testing.T) {
	if _, _, err := Read(strings.NewReader("@nix {}\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("want an error naming line 1, got %v", err)
	}
}
