package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestLoopbackHost(t *testing.T) {
	for _, tc := range []struct {
		host string
		want bool
	}{
		{"127.0.0.1:8080", true},
		{"127.0.0.1", true},
		{"127.1.2.3:80", true},
		{"localhost:8080", true},
		{"LOCALHOST", true},
		{"localhost.:8080", true},
		{"talk.localhost:8080", true},
		{"[::1]:8080", true},
		{"::1", true},
		{"evil.example:8080", false},
		{"localhost.evil.example", false},
		{"127.0.0.1.nip.io:8080", false},
		{"10.0.0.1:8080", false},
		{"", false},
	} {
		t.Run(tc.host, func(t *testing.T) {
			if got := LoopbackHost(tc.host); got != tc.want {
				t.Errorf("LoopbackHost(%q) = %v, want %v", tc.host, got, tc.want)
			}
		})
	}
}

// On loopback, a request whose Host is another name (a DNS name rebound
// to 127.0.0.1) is refused; beyond loopback, Host is not checked. Any
// method but GET and HEAD is refused: the page is read-only, but for POST
// /control when it has controls.
func TestGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	for _, tc := range []struct {
		name       string
		onLoopback bool
		controls   bool
		method     string
		path       string
		host       string
		want       int
	}{
		{"loopback name", true, false, "GET", "/state", "127.0.0.1:8080", http.StatusNoContent},
		{"rebound name", true, false, "GET", "/state", "attacker.example:8080", http.StatusForbidden},
		{"any name beyond loopback", false, false, "GET", "/state", "talk.example:8080", http.StatusNoContent},
		{"post", true, false, "POST", "/state", "127.0.0.1:8080", http.StatusMethodNotAllowed},
		{"post /control without controls", true, false, "POST", "/control", "127.0.0.1:8080", http.StatusMethodNotAllowed},
		{"post /control with controls", true, true, "POST", "/control", "127.0.0.1:8080", http.StatusNoContent},
		{"post /control from a rebound name", true, true, "POST", "/control", "attacker.example:8080", http.StatusForbidden},
		{"post elsewhere with controls", true, true, "POST", "/state", "127.0.0.1:8080", http.StatusMethodNotAllowed},
		{"put /control with controls", true, true, "PUT", "/control", "127.0.0.1:8080", http.StatusMethodNotAllowed},
		{"preflight /control with controls", true, true, "OPTIONS", "/control", "127.0.0.1:8080", http.StatusMethodNotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			req.Host = tc.host
			rec := httptest.NewRecorder()
			guard(ok, tc.onLoopback, tc.controls).ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Errorf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
}
