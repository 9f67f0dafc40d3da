"""Encoded pairs and their batches: EOS and drops, the .npy store, the seq2seq batch contract, bucketing,
one pass per epoch, determinism and resuming."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
import torch

from lmstudio.core.config import TokenizerConfig
from lmstudio.core.data.toy_tasks import toy_pairs
from lmstudio.core.dataset.pairs import PairBatcher, PairStore, collate, encode_pairs
from lmstudio.core.errors import ConfigError, DataError
from lmstudio.core.tokenizers import train_tokenizer


@pytest.fixture(scope="module")
def toks(tmp_path_factory):
    """Two real char tokenizers with different vocabularies: dates written out -> ISO dates."""
    folder = tmp_path_factory.mktemp("toks")
    pairs = toy_pairs("dates", 400, seed=11)
    (folder / "src.txt").write_text("\n".join(s for s, _ in pairs) + "\n", encoding="utf-8")
    (folder / "tgt.txt").write_text("\n".join(t for _, t in pairs) + "\n", encoding="utf-8")
    src = train_tokenizer(TokenizerConfig(kind="char"), folder / "src.txt")
    tgt = train_tokenizer(TokenizerConfig(kind="char"), folder / "tgt.txt")
    assert src.vocab_size > tgt.vocab_size  # letters on the source side only
    return src, tgt


@pytest.fixture(scope="module")
def store(toks):
    src, tgt = toks
    store, dropped = encode_pairs(toy_pairs("dates", 300, seed=1), src, tgt, 64, 16)
    assert dropped == 0 and len(store) == 300
    return store


def test_encode_appends_eos_and_drops_what_does_not_fit(toks):
    src, tgt = toks
    pairs = [
        ("3 March 1998", "1998-03-03"),  # kept: 12 + EOS = 13 source tokens, 10 + EOS = 11 target tokens
        ("3 March 19981", "1998-03-03"),  # source 14 with EOS > 13: dropped
        ("3 March 1998", "1998-03-031"),  # target 12 with EOS > 11: dropped
        ("", "1998-03-03"),  # empty source
        ("3 March 1998", ""),  # empty target
        ("4 May 2001", "2001-05-04"),
    ]
    store, dropped = encode_pairs(pairs, src, tgt, max_source_len=13, max_target_len=11)
    assert dropped == 4 and len(store) == 2
    assert store.source(0).tolist() == src.encode("3 March 1998") + [src.eos_id]
    assert store.target(0).tolist() == tgt.encode("1998-03-03") + [tgt.eos_id]
    assert tgt.decode(store.target(1)[:-1].tolist()) == "2001-05-04"
    assert store.src_lengths.tolist() == [13, 11] and store.tgt_lengths.tolist() == [11, 11]
    assert store.src_ids.dtype == np.int32 and store.src_offsets.dtype == np.int64
    assert store.specials == {"src_pad_id": 0, "tgt_pad_id": 0, "bos_id": tgt.bos_id, "eos_id": tgt.eos_id}
    with pytest.raises(ConfigError, match="at least 2"):
        encode_pairs(pairs, src, tgt, 1, 11)


def test_store_saves_and_memory_maps_without_pickle(tmp_path, store):
    store.save(tmp_path / "pairs")
    loaded = PairStore.load(tmp_path / "pairs")
    assert isinstance(loaded.src_ids, np.memmap) and not loaded.src_ids.flags.writeable
    assert len(loaded) == len(store) and loaded.specials == store.specials
    for name in ("src_ids", "src_offsets", "tgt_ids", "tgt_offsets"):
        assert np.array_equal(getattr(loaded, name), getattr(store, name))
        np.load(tmp_path / "pairs" / f"{name}.npy", allow_pickle=False)  # plain arrays, no object dtype
    assert [loaded.target(i).tolist() for i in range(5)] == [store.target(i).tolist() for i in range(5)]


def test_store_load_errors(tmp_path, store):
    with pytest.raises(DataError, match="meta.json: missing"):
        PairStore.load(tmp_path)
    folder = store.save(tmp_path / "pairs")
    np.save(folder / "tgt_offsets.npy", store.tgt_offsets[:-1])  # one target short
    with pytest.raises(DataError, match="tgt_offsets"):
        PairStore.load(folder)
    store.save(folder)
    (folder / "src_ids.npy").unlink()
    with pytest.raises(DataError, match="src_ids.npy: missing"):
        PairStore.load(folder)


def test_batches_follow_the_seq2seq_contract(store):
    sp = store.specials
    batcher = PairBatcher(store, 16, seed=0)
    seen = 0
    for src, src_mask, tgt_in, targets in batcher:
        assert src.dtype == tgt_in.dtype == targets.dtype == torch.long and src_mask.dtype == torch.bool
        assert src.shape == src_mask.shape and tgt_in.shape == targets.shape and src.size(0) == tgt_in.size(0)
        assert (tgt_in[:, 0] == sp["bos_id"]).all()
        for row in range(src.size(0)):
            s = src[row][src_mask[row]]
            assert s[-1] == sp["eos_id"] and sp["bos_id"] not in s.tolist()  # ends in EOS, no BOS
            assert (src[row][~src_mask[row]] == sp["src_pad_id"]).all()
            assert src_mask[row].tolist() == sorted(src_mask[row].tolist(), reverse=True)  # real tokens first
            n = int((targets[row] != -1).sum())
            assert targets[row, n - 1] == sp["eos_id"] and (targets[row, n:] == -1).all()
            assert tgt_in[row, 1:n].tolist() == targets[row, : n - 1].tolist()  # shifted by one: BOS + target
            assert (tgt_in[row, n:] == sp["tgt_pad_id"]).all()
        assert src_mask.any(1).all() and src_mask[:, 0].all()
        seen += src.size(0)
    assert seen == len(store)


def _pair_ids(batch):
    src, src_mask, _, targets = batch
    return [
        (tuple(src[r][src_mask[r]].tolist()), tuple(targets[r][targets[r] != -1].tolist())) for r in range(len(src))
    ]


@pytest.mark.parametrize("kw", [{"batch_size": 7}, {"batch_tokens": 120}])
def test_an_epoch_covers_every_pair_exactly_once(store, kw):
    expected = Counter((tuple(store.source(i).tolist()), tuple(store.target(i).tolist())) for i in range(len(store)))
    batcher = PairBatcher(store, seed=3, **kw)
    for epoch in range(2):
        plan = batcher.epoch_plan(epoch)
        assert sorted(np.concatenate(plan).tolist()) == list(range(len(store)))
        got = Counter(p for batch in batcher for p in _pair_ids(batch))
        assert got == expected and batcher.epoch == epoch + 1


def test_token_budget_and_bucketing(toks):
    src, tgt = toks
    # reverse strings of 1-30 characters through the date tokenizers: lengths vary a lot
    pairs = toy_pairs("reverse", 2000, seed=2, min_len=1, max_len=30, alphabet="0123456789")
    store, dropped = encode_pairs(pairs, src, tgt, 64, 64)
    assert dropped == 0
    batcher = PairBatcher(store, batch_tokens=200, seed=0)
    for src_b, _, tgt_in, _ in batcher:
        b, longest = src_b.size(0), max(src_b.size(1), tgt_in.size(1))
        assert b == 1 or b * longest <= 200
    tight = PairBatcher(store, batch_tokens=12, seed=0).epoch_plan(0)  # below the longest pairs (31 tokens)
    assert min(len(idx) for idx in tight) == 1 and sorted(np.concatenate(tight).tolist()) == list(range(len(store)))
    assert all(len(idx) == 1 for idx in tight if store.src_lengths[idx].max() > 12)  # alone, never empty batches

    def padding(batches):
        real = sum(int(store.src_lengths[idx].sum()) for idx in batches)
        return 1 - real / sum(len(idx) * int(store.src_lengths[idx].max()) for idx in batches)

    bucketed = PairBatcher(store, 20, seed=0).epoch_plan(0)
    rng = np.random.default_rng(0)
    random_batches = np.array_split(rng.permutation(len(store)), len(store) // 20)
    assert padding(bucketed) < 0.1 < 0.3 < padding(random_batches)
    assert len({len(b) for b in bucketed}) <= 2  # batch_size mode: full batches but a chunk's last


def test_deterministic_and_shuffled_per_epoch(store):
    a, b, c = PairBatcher(store, 8, seed=5), PairBatcher(store, 8, seed=5), PairBatcher(store, 8, seed=6)
    plan_a = [x.tolist() for x in a.epoch_plan(0)]
    assert plan_a == [x.tolist() for x in b.epoch_plan(0)]
    assert plan_a != [x.tolist() for x in c.epoch_plan(0)]
    assert plan_a != [x.tolist() for x in a.epoch_plan(1)]
    for _ in range(5):
        for x, y in zip(a.next_batch(), b.next_batch()):
            assert torch.equal(x, y)
    ordered = PairBatcher(store, 8, shuffle=False).epoch_plan(0)
    assert np.concatenate(ordered).tolist() != list(range(len(store)))  # sorted by length within the chunk
    lengths = store.src_lengths[np.concatenate(ordered)]  # 300 pairs: one chunk, sorted by source length
    assert (np.diff(lengths) >= 0).all() and lengths[0] < lengths[-1]
    assert sorted(np.concatenate(ordered).tolist()) == list(range(len(store)))


def test_state_dict_resumes_the_same_order_across_epochs(store):
    first = PairBatcher(store, 32, seed=9)  # 300 pairs: 10 batches an epoch
    for _ in range(7):
        first.next_batch()
    state = json.loads(json.dumps(first.state_dict()))  # plain ints and bools
    resumed = PairBatcher(store, 32, seed=9)
    resumed.load_state_dict(state)
    for _ in range(8):  # crosses into epoch 1
        for x, y in zip(first.next_batch(), resumed.next_batch()):
            assert torch.equal(x, y)
    assert first.epoch == resumed.epoch == 1
    with pytest.raises(DataError, match="seed was 9, is 10"):
        PairBatcher(store, 32, seed=10).load_state_dict(state)
    with pytest.raises(DataError, match="batch_size was 32, is 16"):
        PairBatcher(store, 16, seed=9).load_state_dict(state)


def test_batcher_errors(store, toks):
    with pytest.raises(ConfigError, match="either batch_size"):
        PairBatcher(store)
    with pytest.raises(ConfigError, match="either batch_size"):
        PairBatcher(store, 8, batch_tokens=100)
    with pytest.raises(ConfigError, match="batch_size"):
        PairBatcher(store, 0)
    empty, dropped = encode_pairs([("", "x")], *toks, 8, 8)
    assert dropped == 1 and len(empty) == 0
    with pytest.raises(DataError, match="no pairs"):
        PairBatcher(empty, 4)
    with pytest.raises(DataError):
        collate(store, [])
