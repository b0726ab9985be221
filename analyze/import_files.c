// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_files.c - the file table of a recording: (dev, ino), or a path when
 * there is none, to one file, with the path a record gave it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

static uint32_t file_new(struct an_imp *im, uint64_t a, uint64_t b, uint64_t c,
			 uint64_t dev, uint64_t ino, const char *path, size_t len)
{
	struct an_file *f;
	uint32_t i = (uint32_t)im->nfiles;

	if (im->nfiles + 1 >= NONE || sr_grow_mem(&im->mem, &im->files, &im->capfiles,
						  im->nfiles + 1, sizeof(*im->files)))
		return NONE;
	f = &im->files[i];
	f->dev = dev;
	f->ino = ino;
	f->path = path ? imp_memdup0(im, path, len) : NULL;
	f->path_len = f->path ? len : 0;
	f->nopen = 0;
	f->sock = 0;
	if (sr_map__set(&im->file_map, a, b, c, i)) {
		imp_free_str(im, f->path, f->path_len);
		return NONE;
	}
	im->nfiles++;
	return i;
}

/* File i, named @path if no record named it before. */
static uint32_t file_named(struct an_imp *im, uint32_t i, const char *path, size_t len)
{
	if (path && !im->files[i].path) {
		im->files[i].path = imp_memdup0(im, path, len);
		im->files[i].path_len = im->files[i].path ? len : 0;
	}
	return i;
}

/*
 * The file of (dev, ino), learning its path when the record gives one and
 * none was known.  A file with no dev/ino (an open that could not read them)
 * is known by its path alone.
 */
uint32_t file_get(struct an_imp *im, uint64_t dev, uint64_t ino,
		  const char *path, size_t len)
{
	uint32_t i;

	if (!dev && !ino) {
		uint64_t h;

		if (!path)
			return NONE;
		h = sr_hash_bytes(path, len);
		i = sr_map__get(&im->file_map, h, len, 1);
		if (i != NONE)
			return i;
		return file_new(im, h, len, 1, 0, 0, path, len);
	}
	i = sr_map__get(&im->file_map, dev, ino, 0);
	if (i == NONE)
		return file_new(im, dev, ino, 0, dev, ino, path, len);
	return file_named(im, i, path, len);
}

/*
 * The file a successful open of the kernel's @path gave (dev, ino).
 * Unlinks are not traced, so a deleted file's inode number given to a new
 * file would make the two one file under the first one's path.  An inode
 * is reused only once nothing holds the old file open: so an open that
 * names another path than the file's, while no descriptor refers to it,
 * is a new file of that (dev, ino), and later records of the (dev, ino)
 * are the new one's.  While a descriptor is open, another path is a hard
 * link to the same file.
 */
uint32_t file_of_open(struct an_imp *im, uint64_t dev, uint64_t ino,
		      const char *path, size_t len)
{
	uint32_t i;
	const struct an_file *f;

	if (!dev && !ino)
		return file_get(im, dev, ino, path, len);
	i = sr_map__get(&im->file_map, dev, ino, 0);
	f = i == NONE ? NULL : &im->files[i];
	if (!f || (f->path && !f->nopen && (f->path_len != len || memcmp(f->path, path, len))))
		return file_new(im, dev, ino, 0, dev, ino, path, len);
	return file_named(im, i, path, len);
}

void file_ref(void *ctx, uint32_t file, int delta)
{
	struct an_imp *im = ctx;

	if (file < im->nfiles)
		im->files[file].nopen += (uint32_t)delta;
}

uint32_t file_of_fd(struct an_imp *im, uint32_t proc, int32_t fd,
		    uint64_t dev, uint64_t ino)
{
	struct sr_fd *e;

	if (dev || ino)
		return file_get(im, dev, ino, NULL, 0);
	if (fd < 0)
		return NONE;
	e = sr_fdtrack__find(&im->fdt, proc, fd);
	return e ? e->file : NONE;
}
