/* cli/batch.c - STUB, replaced by the batch work. */
#include <stdio.h>
#include "cli.h"
int batch_main(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "handletrail: batch: not built yet\n"); return 2; }
int index_main(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "handletrail: index: not built yet\n"); return 2; }
