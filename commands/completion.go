package commands

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// bashCompletion asks pitchkafka itself, through urfave/cli's
// --generate-bash-completion, which words may come next.
const bashCompletion = `# pitchkafka completion for bash: source <(pitchkafka completion bash)
_pitchkafka() {
  local cur=${COMP_WORDS[COMP_CWORD]} n=$((COMP_CWORD - 1)) words
  [[ $cur == -* ]] && n=$COMP_CWORD # a partial flag: pitchkafka lists the flags
  words=$("${COMP_WORDS[0]}" "${COMP_WORDS[@]:1:n}" --generate-bash-completion 2>/dev/null)
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _pitchkafka pitchkafka
`

// zshCompletion reuses the bash function through zsh's bashcompinit.
const zshCompletion = `# pitchkafka completion for zsh: source <(pitchkafka completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
` + bashCompletion

func completionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script for bash or zsh",
		ArgsUsage: "bash|zsh",
		Description: "Examples:\n" +
			"  source <(pitchkafka completion bash)     # in ~/.bashrc\n" +
			"  source <(pitchkafka completion zsh)      # in ~/.zshrc",
		Action: func(c *cli.Context) error {
			switch c.Args().First() {
			case "bash":
				fmt.Fprint(e.stdout, bashCompletion)
			case "zsh":
				fmt.Fprint(e.stdout, zshCompletion)
			default:
				return usageErrorf(c, "completion needs a shell: bash or zsh")
			}
			return nil
		},
	}
}
