// Command tlogclient checks the Sandbox transparency log the way any C2SP tlog-tiles client would,
// with Go's own sumdb/note and sumdb/tlog packages and nothing of the project's:
//
//   - it reads the log's Ed25519 key from a JWKS (the key whose "role" is "log") and turns it into a
//     signed-note verifier key;
//   - it fetches <log>/checkpoint and opens it as a signed note with that key;
//   - it recomputes the signed root hash from the hash tiles (<log>/tile/<L>/<N>[.p/<W>]) through
//     tlog.TileHashReader, which authenticates every tile it reads against that root;
//   - it reads every entry bundle (<log>/tile/entries/<N>[.p/<W>]) and proves each entry included with
//     tlog.ProveRecord and tlog.CheckRecord;
//   - with -api, it checks every listed certificate: its bundle's log entry is the one in the log at its
//     leaf index, and its inclusion proof, consistency with the checkpoint and embedded checkpoint hold.
//
// Go's Tile.Path() includes the tile height ("tile/8/0/000") and spells the entry level "data"; the C2SP
// paths leave the height out and spell it "entries". Mapping one to the other is all the glue there is.
//
// Usage: tlogclient -log URL -jwks URL|FILE [-origin ORIGIN] [-api URL [-token TOKEN]]
package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

var client = &http.Client{Timeout: 60 * time.Second}

func main() {
	logURL := flag.String("log", "", "URL prefix of the tiled log (…/log)")
	jwksSource := flag.String("jwks", "", "URL or file of the JWKS holding the log key")
	origin := flag.String("origin", "", "expected checkpoint origin (default: the checkpoint's own first line)")
	apiURL := flag.String("api", "", "URL of the JSON API (…/api/v1); check every listed certificate")
	token := flag.String("token", "", "bearer token for the JSON API")
	flag.Parse()
	if *logURL == "" || *jwksSource == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(strings.TrimSuffix(*logURL, "/"), *jwksSource, *origin, strings.TrimSuffix(*apiURL, "/"), *token); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func run(logURL, jwksSource, origin, apiURL, token string) error {
	raw, err := fetch(logURL+"/checkpoint", "")
	if err != nil {
		return err
	}
	if origin == "" {
		origin = strings.SplitN(string(raw), "\n", 2)[0]
	}
	verifiers, err := logVerifiers(jwksSource, origin)
	if err != nil {
		return err
	}
	cp, err := openCheckpoint(raw, verifiers, origin)
	if err != nil {
		return err
	}
	fmt.Printf("checkpoint %s size %d root %s\n", cp.origin, cp.size, cp.root)

	tiles := &tileReader{base: logURL, data: map[string][]byte{}}
	hashes := tlog.TileHashReader(tlog.Tree{N: cp.size, Hash: cp.root}, tiles)
	computed, err := tlog.TreeHash(cp.size, hashes)
	if err != nil {
		return fmt.Errorf("root from tiles: %w", err)
	}
	if computed != cp.root {
		return fmt.Errorf("the tiles give root %s, the checkpoint signs %s", computed, cp.root)
	}
	fmt.Printf("tiles: root recomputed from %d tile(s)\n", tiles.fetched)

	entries, err := readEntries(logURL, cp.size)
	if err != nil {
		return err
	}
	for n, entry := range entries {
		if err := checkIncluded(cp, hashes, int64(n), entry); err != nil {
			return err
		}
	}
	fmt.Printf("entries: %d of %d proven included\n", len(entries), cp.size)

	if apiURL != "" {
		count, err := checkCertificates(apiURL, token, cp, hashes, entries, verifiers)
		if err != nil {
			return err
		}
		fmt.Printf("certificates: %d checked\n", count)
	}
	return nil
}

// logVerifiers returns a signed-note verifier for each active log key of the JWKS.
func logVerifiers(source, origin string) (note.Verifiers, error) {
	var raw []byte
	var err error
	if strings.HasPrefix(source, "http://") || strings.HasPrefix(source, "https://") {
		raw, err = fetch(source, "")
	} else {
		raw, err = os.ReadFile(source)
	}
	if err != nil {
		return nil, err
	}
	var jwks struct {
		Keys []map[string]interface{} `json:"keys"`
	}
	if err := json.Unmarshal(raw, &jwks); err != nil {
		return nil, fmt.Errorf("JWKS: %w", err)
	}
	var list []note.Verifier
	for _, key := range jwks.Keys {
		if key["role"] != "log" || key["status"] != "active" {
			continue
		}
		if key["kty"] == "EC" && key["crv"] == "SM2" {
			continue // the SM2 log key's line follows the Ed25519 one; golang.org/x/mod/sumdb/note knows only Ed25519
		}
		if key["kty"] != "OKP" || key["crv"] != "Ed25519" || key["use"] != "sig" {
			return nil, fmt.Errorf("log key %v is not an Ed25519 signing JWK", key["kid"])
		}
		x, _ := key["x"].(string)
		public, err := base64.RawURLEncoding.DecodeString(x)
		if err != nil {
			return nil, fmt.Errorf("log key x: %w", err)
		}
		vkey, err := note.NewEd25519VerifierKey(origin, ed25519.PublicKey(public))
		if err != nil {
			return nil, err
		}
		verifier, err := note.NewVerifier(vkey)
		if err != nil {
			return nil, err
		}
		list = append(list, verifier)
	}
	if len(list) == 0 {
		return nil, errors.New("the JWKS has no active key with role log")
	}
	return note.VerifierList(list...), nil
}

// openCheckpoint verifies a checkpoint's signature and parses its body (c2sp.org/tlog-checkpoint).
func openCheckpoint(raw []byte, verifiers note.Verifiers, origin string) (checkpoint, error) {
	n, err := note.Open(raw, verifiers)
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return checkpoint{}, errors.New("checkpoint body is not origin, size, root hash")
	}
	if lines[0] != origin {
		return checkpoint{}, fmt.Errorf("checkpoint origin %q, expected %q", lines[0], origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return checkpoint{}, fmt.Errorf("checkpoint size %q", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint root: %w", err)
	}
	return checkpoint{origin: lines[0], size: size, root: root}, nil
}

// c2spPath maps Go's tile path (tile/8/L/N…, tile/8/data/N…) to the C2SP one (tile/L/N…, tile/entries/N…).
func c2spPath(t tlog.Tile) string {
	path := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", height))
	if t.L == -1 {
		return "tile/entries/" + strings.TrimPrefix(path, "data/")
	}
	return "tile/" + path
}

// tileReader is a tlog.TileReader over HTTP; tiles are kept in memory for the run.
type tileReader struct {
	base    string
	data    map[string][]byte
	fetched int
}

func (r *tileReader) Height() int { return height }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		path := c2spPath(t)
		data, ok := r.data[path]
		if !ok {
			var err error
			if data, err = fetch(r.base+"/"+path, ""); err != nil {
				return nil, err
			}
			r.data[path] = data
			r.fetched++
		}
		out[i] = data
	}
	return out, nil
}

func (r *tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// readEntries fetches every entry bundle of a tree and splits it into entries.
func readEntries(logURL string, size int64) ([][]byte, error) {
	var entries [][]byte
	for n := int64(0); n*(1<<height) < size; n++ {
		width := size - n*(1<<height)
		if width > 1<<height {
			width = 1 << height
		}
		t := tlog.Tile{H: height, L: -1, N: n, W: int(width)}
		data, err := fetch(logURL+"/"+c2spPath(t), "")
		if err != nil {
			return nil, err
		}
		for len(data) > 0 {
			if len(data) < 2 {
				return nil, fmt.Errorf("%s: truncated length", c2spPath(t))
			}
			length := int(data[0])<<8 | int(data[1])
			if len(data) < 2+length {
				return nil, fmt.Errorf("%s: truncated entry", c2spPath(t))
			}
			entries = append(entries, data[2:2+length])
			data = data[2+length:]
		}
		if int64(len(entries)) != n*(1<<height)+width {
			return nil, fmt.Errorf("%s: %d entries so far, expected %d", c2spPath(t), len(entries), n*(1<<height)+width)
		}
	}
	return entries, nil
}

func checkIncluded(cp checkpoint, hashes tlog.HashReader, n int64, entry []byte) error {
	proof, err := tlog.ProveRecord(cp.size, n, hashes)
	if err != nil {
		return fmt.Errorf("entry %d: %w", n, err)
	}
	if err := tlog.CheckRecord(proof, cp.size, cp.root, n, tlog.RecordHash(entry)); err != nil {
		return fmt.Errorf("entry %d is not in the tree: %w", n, err)
	}
	return nil
}

type bundle struct {
	Transparency struct {
		Origin         string                 `json:"origin"`
		Entry          map[string]interface{} `json:"entry"`
		LeafIndex      int64                  `json:"leafIndex"`
		TreeSize       int64                  `json:"treeSize"`
		InclusionProof []string               `json:"inclusionProof"`
		Checkpoint     string                 `json:"checkpoint"`
	} `json:"transparency"`
}

// checkCertificates checks each certificate the API lists against the log read from the tiles.
func checkCertificates(apiURL, token string, cp checkpoint, hashes tlog.HashReader, entries [][]byte, verifiers note.Verifiers) (int, error) {
	count := 0
	for page := 1; ; page++ {
		raw, err := fetch(fmt.Sprintf("%s/certificates?page=%d&per_page=100", apiURL, page), token)
		if err != nil {
			return 0, err
		}
		var list struct {
			Items []struct {
				ID     string `json:"id"`
				Number string `json:"number"`
			} `json:"items"`
			Total int `json:"total"`
		}
		if err := json.Unmarshal(raw, &list); err != nil {
			return 0, fmt.Errorf("certificate list: %w", err)
		}
		for _, item := range list.Items {
			if err := checkCertificate(apiURL, token, item.ID, cp, hashes, entries, verifiers); err != nil {
				return 0, fmt.Errorf("certificate %s: %w", item.Number, err)
			}
			count++
		}
		if len(list.Items) == 0 || count >= list.Total {
			break
		}
	}
	if count == 0 {
		return 0, errors.New("the API lists no certificates")
	}
	return count, nil
}

func checkCertificate(apiURL, token, id string, cp checkpoint, hashes tlog.HashReader, entries [][]byte, verifiers note.Verifiers) error {
	raw, err := fetch(apiURL+"/certificates/"+id, token)
	if err != nil {
		return err
	}
	var b bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		return err
	}
	tr := b.Transparency
	if tr.LeafIndex < 0 || tr.LeafIndex >= tr.TreeSize || tr.TreeSize > cp.size {
		return fmt.Errorf("leaf %d of tree %d is outside the checkpoint's tree %d", tr.LeafIndex, tr.TreeSize, cp.size)
	}
	var logged map[string]interface{}
	if err := json.Unmarshal(entries[tr.LeafIndex], &logged); err != nil {
		return err
	}
	if !reflect.DeepEqual(logged, tr.Entry) || logged["kind"] != "issue" || logged["certId"] != id {
		return fmt.Errorf("the log's entry %d is %s, the bundle claims %v", tr.LeafIndex, entries[tr.LeafIndex], tr.Entry)
	}
	leaf := tlog.RecordHash(entries[tr.LeafIndex])
	if err := checkIncluded(cp, hashes, tr.LeafIndex, entries[tr.LeafIndex]); err != nil {
		return err
	}
	// The bundle's own proof is against an earlier tree: its root comes from the same tiles.
	then, err := tlog.TreeHash(tr.TreeSize, hashes)
	if err != nil {
		return err
	}
	proof := make(tlog.RecordProof, len(tr.InclusionProof))
	for i, text := range tr.InclusionProof {
		if proof[i], err = tlog.ParseHash(text); err != nil {
			return err
		}
	}
	if err := tlog.CheckRecord(proof, tr.TreeSize, then, tr.LeafIndex, leaf); err != nil {
		return fmt.Errorf("the bundle's inclusion proof: %w", err)
	}
	embedded, err := openCheckpoint([]byte(tr.Checkpoint), verifiers, cp.origin)
	if err != nil {
		return fmt.Errorf("the bundle's checkpoint: %w", err)
	}
	if embedded.size != tr.TreeSize || embedded.root != then {
		return errors.New("the bundle's checkpoint does not sign the tree the tiles give")
	}
	return checkConsistency(apiURL, tr.TreeSize, then, cp)
}

// checkConsistency checks the JSON consistency proof from an earlier tree to the checkpoint's.
func checkConsistency(apiURL string, first int64, firstRoot tlog.Hash, cp checkpoint) error {
	raw, err := fetch(fmt.Sprintf("%s/log/proof/consistency?first=%d&second=%d", apiURL, first, cp.size), "")
	if err != nil {
		return err
	}
	var answer struct {
		Hashes []string `json:"hashes"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return err
	}
	proof := make(tlog.TreeProof, len(answer.Hashes))
	for i, text := range answer.Hashes {
		if proof[i], err = tlog.ParseHash(text); err != nil {
			return err
		}
	}
	if err := tlog.CheckTree(proof, cp.size, cp.root, first, firstRoot); err != nil {
		return fmt.Errorf("consistency %d → %d: %w", first, cp.size, err)
	}
	return nil
}

func fetch(url, token string) ([]byte, error) {
	request, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		request.Header.Set("Authorization", "Bearer "+token)
	}
	response, err := client.Do(request)
	if err != nil {
		return nil, err
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	if err != nil {
		return nil, err
	}
	if response.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", url, response.StatusCode, bytes.TrimSpace(body))
	}
	return body, nil
}
