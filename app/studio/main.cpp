// dragon-studio: the GUI. `dragon-studio [PROJECT.dragon]`; on first start, the demo project.
#include "DemoProject.h"
#include "widgets/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

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
    const QCommandLineOption screenshot(
        "screenshot", "Save the window as PNG to FILE once the project is open, then quit.",
        "FILE");
    parser.addOption(screenshot);
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
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        QTimer::singleShot(2000, &window, [&window, file] {
            const bool saved = window.grab().save(file, "PNG");
            if (!saved)
                qWarning("%s could not be written", qPrintable(file));
            QApplication::exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}
