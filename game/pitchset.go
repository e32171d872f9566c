package game

// PitchSet is a set of pitches, each named by its game_pk and game_seq,
// as a stream's pitches are. It holds a bit per pitch of each game.
type PitchSet struct {
	games map[int64][]uint64
	n     int
}

// NewPitchSet returns an empty set.
func NewPitchSet() *PitchSet { return &PitchSet{games: map[int64][]uint64{}} }

// Add puts the pitch gameSeq of game gamePK in the set. A gameSeq below 1
// is ignored.
func (s *PitchSet) Add(gamePK int64, gameSeq int) {
	if gameSeq < 1 {
		return
	}
	bits := s.games[gamePK]
	word, bit := (gameSeq-1)/64, uint64(1)<<((gameSeq-1)%64)
	for len(bits) <= word {
		bits = append(bits, 0)
	}
	if bits[word]&bit == 0 {
		bits[word] |= bit
		s.n++
	}
	s.games[gamePK] = bits
}

// Has reports whether the set holds pitch gameSeq of game gamePK.
func (s *PitchSet) Has(gamePK int64, gameSeq int) bool {
	bits := s.games[gamePK]
	word := (gameSeq - 1) / 64
	return gameSeq >= 1 && word < len(bits) && bits[word]&(1<<((gameSeq-1)%64)) != 0
}

// Len is the number of pitches in the set.
func (s *PitchSet) Len() int { return s.n }
