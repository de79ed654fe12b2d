#pragma once

#include <QString>

// The bundled demo project as the studio opens it on first start: the installed copy
// (PREFIX/share/dragon-studio/demo, read-only) is copied once to the user's data folder, so
// training and previews can write beside it; a build tree's demo (BUILD/demo) is used where it
// is, since it is writable.
class DemoProject
{
public:
    // The demo.dragon to open ("" and `error` set when none is found or the copy failed).
    static QString openable(QString &error);
    // PREFIX/share/dragon-studio/demo beside the running binary ("" when not installed).
    static QString installedFolder();
    // BUILD/demo beside BUILD/app/dragon-studio ("" when not run from a build tree).
    static QString buildTreeFolder();
};
