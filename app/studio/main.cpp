// dragon-studio: the GUI. `dragon-studio [PROJECT.dragon]`; on first start, the demo project.
#include "DemoProject.h"
#include "widgets/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QStatusBar>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("DRAGON Studio");
    QApplication::setApplicationName("DRAGON Studio");
    QApplication::setApplicationVersion(DRAGON_VERSION);
    QApplication::setDesktopFileName("dragon-studio");

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Design rewards for music generators and optimise them with DRAGON.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("project", "A .dragon project to open.");
    parser.process(app);

    MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().first());
    else if (QSettings().value("recentProjects").toStringList().isEmpty()) {
        // First start: the demo project, so every tab has something to show.
        QString error;
        const QString demo = DemoProject::openable(error);
        if (!demo.isEmpty())
            window.openProject(demo);
        else
            window.statusBar()->showMessage(QObject::tr("No demo project: %1").arg(error), 10000);
    }
    return app.exec();
}
