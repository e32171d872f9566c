package commands

import (
	"fmt"
	"runtime"

	"github.com/pitchkafka/pitchkafka/kafkaio"
	"github.com/urfave/cli/v2"
)

func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the versions of pitchkafka, librdkafka and Go",
		Action: func(c *cli.Context) error {
			fmt.Fprintf(e.stdout, "pitchkafka %s\nlibrdkafka %s\n%s %s/%s\n", c.App.Version, kafkaio.LibraryVersion(),
				runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
