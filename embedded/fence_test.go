package embedded_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// InitProducerId with a producer id and epoch (KIP-360: a producer
// recovering from an error asks for its epoch to be bumped) is answered
// as Kafka's transaction coordinator answers it
// (TransactionMetadata.prepareIncrementProducerEpoch): the current epoch
// is bumped; the epoch before that bump is a retry and gets the current
// one; an epoch that a new producer replaced (InitProducerId without an
// epoch, as InitTransactions sends) is fenced. kfake bumped any epoch not
// above its own, so a thawed zombie `scores` recovering from a timed-out
// message took a fresh epoch and fenced its successor.
func TestInitProducerIDFencesAnEpochANewProducerReplaced(t *testing.T) {
	b := startNodes(t, 1)
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Bootstrap()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	init := func(id int64, epoch int16) (int64, int16, error) {
		req := kmsg.NewPtrInitProducerIDRequest()
		txid := "scores-1"
		req.TransactionalID, req.TransactionTimeoutMillis = &txid, 10_000
		req.ProducerID, req.ProducerEpoch = id, epoch
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			t.Fatal(err)
		}
		return resp.ProducerID, resp.ProducerEpoch, kerr.ErrorForCode(resp.ErrorCode)
	}

	id, zombie, err := init(-1, -1)
	if err != nil {
		t.Fatal(err)
	}
	_, successor, err := init(-1, -1) // InitTransactions of a new process
	if err != nil || successor != zombie+1 {
		t.Fatalf("the new producer got epoch %d, %v; want %d", successor, err, zombie+1)
	}
	if _, e, err := init(id, zombie); !errors.Is(err, kerr.ProducerFenced) {
		t.Fatalf("the replaced epoch %d asked for a bump and got epoch %d, %v; want PRODUCER_FENCED", zombie, e, err)
	}
	bumped := successor + 1
	if _, e, err := init(id, successor); err != nil || e != bumped {
		t.Fatalf("the current epoch %d asked for a bump and got %d, %v; want %d", successor, e, err, bumped)
	}
	if _, e, err := init(id, successor); err != nil || e != bumped {
		t.Fatalf("a retry of the bump from %d got %d, %v; want %d again", successor, e, err, bumped)
	}
	if _, e, err := init(id, bumped+1); !errors.Is(err, kerr.ProducerFenced) {
		t.Fatalf("an epoch above the current one got %d, %v; want PRODUCER_FENCED", e, err)
	}
}
