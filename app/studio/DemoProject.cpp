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

QString DemoProject::bundledFolder()
{
    const QString exeDir = QCoreApplication::applicationDirPath();
    for (const QString &candidate :
         {exeDir + "/../share/dragon-studio/demo", exeDir + "/../demo"}) {
        if (QFileInfo::exists(candidate + "/demo.dragon"))
            return QDir(candidate).canonicalPath();
    }
    return {};
}

QString DemoProject::openable(QString &error)
{
    const QString folder = bundledFolder();
    if (folder.isEmpty()) {
        error = QObject::tr("the bundled demo project was not found beside %1")
                    .arg(QCoreApplication::applicationFilePath());
        return {};
    }
    if (QFileInfo(folder).isWritable())
        return folder + "/demo.dragon";
    const QString copy =
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/demo";
    if (!QFileInfo::exists(copy + "/demo.dragon") && !copyFolder(folder, copy, error))
        return {};
    return copy + "/demo.dragon";
}
