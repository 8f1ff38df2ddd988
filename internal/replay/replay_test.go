package replay

import "testing"

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "''"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"@@w@@/_pkg_.a", `"$w"'/_pkg_.a'`},
		{"-c=@@c@@", `'-c='"$c"`},
		{"@@dep:fmt@@/_pkg_.a", "'@@dep:fmt@@/_pkg_.a'"},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestReplaceDir(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/src/x/a.go", "@@src@@/a.go"},
		{"/src/x=>example.com/x;", "@@src@@=>example.com/x;"},
		{"/src/xy/a.go", "/src/xy/a.go"},
		{"/src/x", "@@src@@"},
	} {
		if got := ReplaceDir(tc.in, "/src/x", "@@src@@"); got != tc.want {
			t.Errorf("ReplaceDir(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
