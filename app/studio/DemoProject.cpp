#include "DemoProject.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace {

bool copyFolder(const QString &from, const QString &to, QString &error)
{
    const QDir source(from);
    QDirIterator it(from, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString target = to + "/" + source.relativeFilePath(file);
        if (!QDir().mkpath(QFileInfo(target).absolutePath()) ||
            (!QFile::exists(target) && !QFile::copy(file, target))) {
            error = QObject::tr("%1 could not be copied to %2").arg(file, target);
            return false;
        }
        QFile::setPermissions(target, QFile::permissions(target) | QFile::WriteOwner);
    }
    return true;
}

} // namespace

QString DemoProject::installedFolder()
{
    const QString folder = QCoreApplication::applicationDirPath() + "/../share/dragon-studio/demo";
    return QFileInfo::exists(folder + "/demo.dragon") ? QDir(folder).canonicalPath() : QString();
}

QString DemoProject::buildTreeFolder()
{
    const QString folder = QCoreApplication::applicationDirPath() + "/../demo";
    return QFileInfo::exists(folder + "/demo.dragon") ? QDir(folder).canonicalPath() : QString();
}

QString DemoProject::openable(QString &error)
{
    const QString installed = installedFolder();
    if (installed.isEmpty()) {
        const QString build = buildTreeFolder();
        if (!build.isEmpty())
            return build + "/demo.dragon";
        error = QObject::tr("the bundled demo project was not found beside %1")
                    .arg(QCoreApplication::applicationFilePath());
        return {};
    }
    // The installed demo is shared and read-only (even where root could write to it): each user
    // works on a copy of their own.
    const QString copy =
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/demo";
    if (!QFileInfo::exists(copy + "/demo.dragon") && !copyFolder(installed, copy, error))
        return {};
    return copy + "/demo.dragon";
}
